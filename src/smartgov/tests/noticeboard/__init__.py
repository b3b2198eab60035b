"""A notice board: the small app that exists only in the tests and proves the app contract (docs/kernel.md §1).

It is installed with ``SMARTGOV_EXTRA_APPS=smartgov.tests.noticeboard`` and nothing else; ``test_contract.py`` runs
its checks (``checks.py``) and the whole permission matrix in a process where it is installed.
"""
