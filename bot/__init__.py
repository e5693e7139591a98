from bot.action_results import install as _install_action_results

# Rasa imports this package with the model's own components: its action-server answers are
# then validated without re-checking the schema at every call (bot/action_results.py).
_install_action_results()
