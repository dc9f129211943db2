"""What runs the conversation: inbox, intake, turns, sender and pacing, jobs, notices, staff room,
and listening to voice notes and speaking replies.

The pure core (bot.engine, bot.flows) never imports it.
"""
