"""Orders: intake's rules aside, review, confirmation, claiming, supervision, the queue and the timeline."""
