"""Action learning sets: small groups with a facilitator that meet every few weeks; each meeting gives one
presenter airtime on a live issue. The tasks: creation.py (a facilitator's draft, its members, creating the set
and its meetings), membership.py (my sets, leaving, adding later), meetings.py (the presenter's issue, swaps,
attendance, actions), reminders.py (what the ticks queue), reports.py (counts only). The rota's rule is
rota.py and the meeting times are schedule.py, both pure.

Confidentiality is a ground rule: a meeting's issue and the members' actions are shown only to that set's
members and facilitator (services decide, views carry it), never in reports, exports or logs.
"""
