"""Tuition reimbursement: requests, approval queues, payment, summary, repayments.

One blueprint, its routes split by sub-area: ``requests`` (my requests, the request form),
``workflow`` (one request's page, its documents and every action on it), ``queues`` (the
approval queues), ``finance`` (the summary, its CSV and the repayments) and ``leavers``.
``routes`` registers them all on ``bp``.
"""

from flask import Blueprint

bp = Blueprint("tuition", __name__, url_prefix="/tuition")
