from kakehashi.mobility.models import EmergencyContact, MobilityPlan
from kakehashi.mobility.services import contact_add, travel_set
from kakehashi.people.selectors import person_data_export
from kakehashi.people.services import person_delete, person_delete_plan
from tests import factories


def test_the_export_has_the_plan_and_deletion_removes_contacts_and_notes(accepted, world):
    plan = accepted.mobility_plan
    contact_add(plan=plan, actor=world.candidate, name="Sam Martin", phone="+1 604 555 0100")
    travel_set(plan=plan, actor=world.candidate, arrival_at=None, departure_at=None, notes="JL 17")

    section = person_data_export(person=world.candidate, language="en")["sections"]["mobility"]
    plan_items = {
        i["what"]: (i["count"], i["action"]) for i in person_delete_plan(person=world.candidate)
    }
    person_delete(person=world.candidate, password=factories.PASSWORD)

    record = section["records"][0]
    assert (record["nationality"], record["route_key"], record["travel_notes"]) == (
        "CA",
        "designated_activities_internship",
        "JL 17",
    )
    assert record["contacts"] == [
        {"name": "Sam Martin", "relation": "", "phone": "+1 604 555 0100", "email": ""}
    ]
    assert (section["keys"]["coverages"], section["keys"]["contacts"]) == (
        "insurance",
        "emergency contacts",
    )
    assert set(record) <= set(section["keys"])
    assert plan_items["Emergency contacts of your internships"] == (1, "deleted")
    assert plan_items["Travel notes of your internships"] == (1, "deleted")
    assert not EmergencyContact.objects.exists()
    assert MobilityPlan.objects.get().travel_notes == ""
