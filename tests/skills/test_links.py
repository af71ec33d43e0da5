"""The one rule for reading a text again, and the spans format, as offers and postings use them."""

from skills.links import LinkStatus, relink, span_text

SUGGESTED, CONFIRMED, REJECTED = LinkStatus.SUGGESTED, LinkStatus.CONFIRMED, LinkStatus.REJECTED


class TestRelink:
    def test_a_text_without_links_gets_every_concept_found_as_suggestions(self):
        plan = relink(existing={}, found=["b", "a", "b"])
        assert plan.suggestions == plan.insert == ("b", "a")
        assert plan.update == plan.delete == plan.skipped_rejected == ()

    def test_decisions_survive_and_suggestions_follow_the_text(self):
        existing = {
            "confirmed-found": CONFIRMED,
            "confirmed-gone": CONFIRMED,
            "rejected-found": REJECTED,
            "rejected-gone": REJECTED,
            "suggested-found": SUGGESTED,
            "suggested-gone": SUGGESTED,
        }
        found = ["new", "confirmed-found", "rejected-found", "suggested-found"]
        plan = relink(existing=existing, found=found)
        assert plan.insert == ("new",)
        assert plan.update == ("suggested-found",)
        assert plan.delete == ("suggested-gone",)
        assert plan.skipped_rejected == ("rejected-found",)
        assert plan.suggestions == ("new", "suggested-found")  # in the order found
        touched = {*plan.insert, *plan.update, *plan.delete}
        assert not touched & {"confirmed-found", "confirmed-gone", "rejected-gone"}

    def test_nothing_found_withdraws_every_suggestion_only(self):
        plan = relink(existing={1: SUGGESTED, 2: CONFIRMED, 3: REJECTED}, found=[])
        assert (plan.insert, plan.update, plan.delete) == ((), (), (1,))


class TestSpanText:
    def test_stretches_at_the_spans(self):
        assert span_text("Adobe Photoshop et CSS", [[6, 15], [19, 22]]) == ["Photoshop", "CSS"]

    def test_nothing_when_a_span_no_longer_fits_the_text(self):
        assert span_text("CSS", [[0, 3], [10, 14]]) == []
        assert span_text("CSS", [[2, 1]]) == []
        assert span_text("CSS", []) == []
