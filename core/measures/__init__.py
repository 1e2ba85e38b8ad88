"""Programme measures: the board's four numbers (staff trained, projects registered, project evaluations,
self-efficacy change) as content, joined from the capabilities that hold the evidence, by site, legacy trust and
staff group, against headcount, as XmR charts. content.py (definitions), evidence.py (reading the evidence
through the owners' repositories), series.py (months and charts), breakdowns.py (tables, suppressed),
equity.py (reach against headcount), headcount.py (the denominators' import), dashboard.py (the whole view)."""
