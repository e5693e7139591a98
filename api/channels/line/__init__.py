"""The LINE Messaging API channel: webhook, inbox, replies, pushes and report attachments."""
