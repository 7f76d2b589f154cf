"""A second conforming server for the five pages, written apart from ``backup_conformance.mock``.

It proves the suites judge by the documents, not by our mock's choices: it makes other legal
choices (403 ``SignatureDoesNotMatch``, its own unsigned-request code, project-scoped Huawei
resources, its own ids, request-id formats, key order and extra headers) and the suites must
still pass it. It imports nothing from ``backup_conformance``; signatures are checked with the
vendors' own SDK signing functions (``signatures.py``).
"""
