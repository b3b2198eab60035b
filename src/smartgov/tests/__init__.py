"""Tests of the installation as a whole: the app contract, every app's access rules, the kernel's boundaries."""
