"""Invitations for a large enrolment, mailed by a job rather than in the request.

Mailing took about 17-31 ms a message to a server on the same machine (enrolling 500 learners
took 2.7 s without invitations and 11-18 s with them). The 2,000 learners an enrolment CSV may
hold would take 35-60 s of mail at that pace, more to a distant server, against the web server's
60 s request timeout, which would stop the sending part-way with nobody told which learners had
their mail. Above ``INVITATIONS_IN_REQUEST`` the enrolment page hands the learners to this job
instead, whose page counts the messages as they go and ends with who could not be mailed.

Mail cannot be taken back, so unlike other kinds this one commits as it goes: each batch's links
are committed before the batch is mailed, so every mailed link works even if the job is stopped
later.
"""
from __future__ import annotations

from typing import Any

from flask import current_app

from course.jobs.registry import JobContext, JobFailed, job_kind, problem

SEND_INVITATIONS = "send-invitations"
# More invitations than this are mailed by a job (one by one, or a small CSV, stay in the request).
INVITATIONS_IN_REQUEST = 20
# Messages per SMTP connection and per progress step.
BATCH = 50


@job_kind(SEND_INVITATIONS, label="Invitations", template="accounts/invitations_job_result.html")
def send_invitations(job: JobContext) -> dict[str, Any]:
    """Invite those of ``params["user_ids"]`` who still have no password, in name order.

    Params: user_ids; base_url (the address the tutor used, for the links); back (the page to
    return to). The result: how many were mailed, and each that was not with the reason."""
    from course.accounts import invitations
    from course.extensions import db
    from course.models.users import User

    by = db.session.get(User, job.owner_id) if job.owner_id else None
    if by is None or not by.active or by.organisation_id != job.organisation_id:
        raise JobFailed([problem(None, "The person who enrolled these learners can no longer invite them.")])
    learners = invitations.learners_to_invite([int(i) for i in job.params.get("user_ids", [])],
                                              job.organisation_id)
    total = len(learners)
    sent, failed = 0, []
    job.progress(0, total, "mailing invitations")
    # The links name the address the tutor used; a worker has no request of its own to ask.
    with current_app.test_request_context("/", base_url=job.params["base_url"]):
        for start in range(0, total, BATCH):
            batch = learners[start:start + BATCH]
            deliveries = [invitations.prepare_invitation(learner, by) for learner in batch]
            db.session.commit()  # the links work before anyone can open them
            for learner, delivery in zip(batch, invitations.deliver(deliveries)):
                if delivery.sent:
                    sent += 1
                else:  # never the link itself: the result is kept, and a link is as good as a password
                    failed.append({"user_id": learner.id, "name": learner.name, "email": learner.email,
                                   "problem": delivery.problem or "no mail server is configured"})
            job.progress(min(start + BATCH, total), total, f"{sent:,} of {total:,} invitations mailed")
    return {"learners": total, "sent": sent, "failed": failed, "back": job.params.get("back")}
