from services.scoring.tests.unit.demo_data.random_guard import random_should_not_be_used

__all__ = ["random_should_not_be_used"]
