"""Citizen-facing channels other than `POST /api/v1/chat` (LINE; the web widget comes later).

Every channel hands citizen messages to the one ConversationService with a channel-prefixed
sender id (`line:<userId>`), so cases remember where they came from.
"""
