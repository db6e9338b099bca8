"""API of offers: a candidate's result and answer, a supervisor's interns."""

from ninja import Router

router = Router()
