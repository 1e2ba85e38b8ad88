"""Events: QSIR courses (Fundamentals, the five-date Practitioner), webinars and the yearly celebration day.

The rules live here, split by task: services.py (what every task shares: finding an event, the waitlist's order,
eligibility, queuing a message), manage.py (admins and faculty create and edit events), registration.py
(sign-up with capacity, the waitlist, cancelling, reminders), attendance.py (the register per date, QR check-in,
completion: training attended, the profile's QI experience, the certificate), abstracts.py (celebration day
abstracts pre-filled from a project), judging.py (judges, conflicts, scores, results, the people's choice vote),
reports.py (what admins see and export) and hooks.py (the "registered", "attended first date" and "completed"
callbacks the surveys capability will use).

Capacity is enforced by the storage layer's atomic `take_seat` (a conditional UPDATE under a CHECK constraint)
and one active registration per person per event by a partial unique index, as for clinics.
"""
