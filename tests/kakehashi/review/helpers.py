from kakehashi.review.services import assignment_run_start, review_round_open


def open_round(world, k=2):
    return review_round_open(
        actor=world["officer"],
        call=world["call"],
        kind="projects",
        form=world["form"],
        reviewers_per_proposal=k,
    )


def run(world, rnd, capture, mode="sum", seed=0):
    with capture(execute=True):
        started = assignment_run_start(actor=world["officer"], round=rnd, mode=mode, seed=seed)
    started.refresh_from_db()
    return started
