"""Reports for tutors and providers: cohort progress against GLH, criteria maps, item analysis, exports.

The reports' data, a module a job: ``lookups`` (a course, an enrolled learner, ``ReportError``),
``structure`` (a course's modules and units), ``cohort`` (the progress report; ``learners`` picks
and sorts its learners, ``rows`` makes their rows), ``criteria`` (a learner's criteria map),
``item_analysis`` and ``hours`` (a learner's hours log). Every report aggregates in SQL (GROUP BY)
and reads a fixed number of queries whatever the number of learners; none of these modules writes
to the database.
"""
