"""The coach and mentor network: a competency framework (content/coaching.yaml), evidence a person records against
it (linked, if they like, to a project they coached, a clinic they ran or a set they facilitated: asked of those
capabilities' services), sign-off by a mentor or senior coach, promotion confirmed by an admin (the role follows),
mentor matching, and the report of people at each level. The tasks: route.py (my route, evidence, sign-off,
promotion), mentoring.py (matching, accepting, check-ins), reports.py."""
