"""Data protection (UK GDPR): a learner's data as one download (subject access), erasure that keeps
what the retention period requires (anonymised), and the retention job that deletes what has
outlived it. The README's "Data protection (UK GDPR)" section says what users see.

- ``records``: where a learner's records live, per course: the last activity, counts, deletion.
- ``export``: the ZIP (``data.json``, ``README.txt`` and the evidence files).
- ``erasure``: the plan shown before an admin confirms, and the erasure itself.
- ``retention``: the organisation-wide sweep the job kind and ``carecourse retention`` run.
"""
