"""Channel tests run against the real parts of the integration suite (PostgreSQL, Redis, Celery workers)."""

from tests.integration.conftest import real_services, workers  # noqa: F401 - fixtures shared with tests/integration
