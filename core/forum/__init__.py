"""The forum: staff ask QI questions (and share project stories) that become threads in Teams channels; coaches'
replies come back to the asker in their chat with the bot, and nothing is left unanswered.

asking.py (ask, the duplicate check, post or "this answers it"), threads.py (linked channels, the thread a post
starts, replies in it relayed both ways, withdrawing), closing.py (helpful answers, closing with an outcome),
faq.py (promote, search, export and import), escalation.py (the SLA in working time and the unanswered queue),
sla.py (working-time arithmetic), stories.py (share your story), reports.py; services.py holds what they share.
"""
