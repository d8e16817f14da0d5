"""Jobs: long work (imports, SCORM exports, demo data; large reports next) run on a queue,
never in a request, with its progress, result and errors kept in the database.

* ``models.Job``: the record; ``registry``: the kinds of job (one function each);
* ``runner.run_job``: runs one job, all or nothing; ``backends``: where (inline, thread, RQ);
* ``service``: submit a job, find it for the people allowed to see it;
* ``views``: the job page; ``commands``: ``carecourse job``, ``carecourse worker``.
"""
