"""``make demo``: run the whole pipeline that exists, end to end, on the local stack."""
