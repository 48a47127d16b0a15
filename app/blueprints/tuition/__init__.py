"""Tuition reimbursement: requests, approval queues, payment, summary, repayments."""
