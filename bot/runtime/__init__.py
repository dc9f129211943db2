"""What runs the conversation: inbox, intake, turns, sender and pacing, jobs, notices, staff room.

The pure core (bot.engine, bot.flows) never imports it.
"""
