"""Dates are written as people in the trust write them: "1 June 2027", never "01 June 2027" (the e2e project
journey failed on 3 Dec 2026, the first day its aim, 180 days ahead, fell on a single-digit day)."""

from __future__ import annotations

from datetime import date

from core.projects.model import Project, ProjectStatus


def test_the_aim_sentence_writes_a_single_digit_day_without_a_zero():
    project = Project(
        id=1,
        lead_id=1,
        status=ProjectStatus.DRAFT,
        wizard_step=2,
        aim_what="Reduce falls at night",
        aim_who="patients on Ward 9",
        aim_how_much="from 8 to 4 a month",
        aim_by=date(2027, 6, 1),
    )
    assert project.aim == "Reduce falls at night for patients on Ward 9 from 8 to 4 a month by 1 June 2027"
