"""Stored readiness's staleness listeners, for the app factory (``install``).

The code is ``app.services.readiness.stored``; the factory imports ``install`` from here until
it reads it from the readiness package.
"""

from app.services.readiness.stored import install

__all__ = ["install"]
