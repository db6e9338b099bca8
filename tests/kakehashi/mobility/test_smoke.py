def test_plan_created(accepted):
    plan = accepted.mobility_plan
    assert plan.route_key == "designated_activities_internship"
    print([(s.key, s.due_date) for s in plan.steps.all()])
