# The two commands of the README. Each one does all set-up itself (scripts/bootstrap.sh).
.PHONY: demo test lock

demo:
	@scripts/bootstrap.sh
	@HF_HUB_OFFLINE=1 SEMTEL_TOPICS__EMERGING=true .venv/bin/semtel weekly

test:
	@scripts/test.sh

# Re-pin constraints.txt after changing setup.cfg (run in a fresh venv to drop stale packages).
lock:
	@.venv/bin/pip freeze --exclude-editable | grep -v '^semtel' > constraints.txt
