"""Words of the similar-activity, merge and consensus scripts, translated on the server."""

from flask_babel import gettext as _

from ..messages import FLAGS, ISOLATE, LIST_SEPARATOR, flag_hint


def overlap_strings() -> dict[str, dict[str, str]]:
    """Strings of static/js/similar.js, merge.js and consensus.js (see context.js_strings)."""
    return {
        "similar": {
            "is_it_one": _("Is it one of these? Support it instead."),
            "go_to_it": _("See it"),
            "propose_anyway": _("No, propose mine anyway"),
            "when_voting": _("You can support it when voting opens."),
            "merged_notice": _(
                "“%(sources)s” was merged into “%(target)s”: your support now goes to it."
            ),
            "returned": _("Returned to your budget: %(count)s."),
            "understood": _("OK"),
        },
        "merge": {
            "duplicates": _("Likely duplicates"),
            "duplicates_hint": _(
                "Activities the engine judges alike, in one language or across French, Arabic "
                "and English. Choose the one to keep, then merge: supporters of the others will "
                "support it."
            ),
            "none": _("No likely duplicates at the moment."),
            "similarity": _("similarity %(score)s%%"),
            "keep": _("Keep this one"),
            "merge_into": _("Merge into the chosen one"),
            "not_duplicates": _("Not duplicates"),
            "manual": _("Merge by hand"),
            "source": _("Activity to merge"),
            "target": _("Into"),
            "merge": _("Merge"),
            "merged": _("Merged."),
            "merges": _("Merges"),
            "merged_into": _("Merged into “%(title)s”"),
            "undo": _("Undo"),
            "undone": _("Merge undone: the votes are back."),
            "choose": _("Choose…"),
            "votes": _("votes"),
        },
        "consensus": {
            "groups": _("Support by group"),
            "groups_hint": _("Small bars: share of each group's voters supporting the activity"),
            "consensus": _("Consensus"),
            "equal_weight": _("Equal weight per group"),
            "equal_weight_hint": _("Each group counts the same, whatever its size."),
            "raw": _("Raw total"),
            "rank_by": _("Rank by"),
            # the words of the flags come from their one home; pages fill in the group names
            "flags": {flag: str(words) for flag, words in FLAGS.items()},
            "flag_hints": {flag: flag_hint(flag) for flag in FLAGS},
            "list_separator": str(LIST_SEPARATOR),
            "list_item": ISOLATE % "%(name)s",
            "share_of": _("%(group)s: %(share)s%% of its voters (%(supporters)s of %(voters)s)"),
            "no_voters": _("%(group)s: no voter yet"),
            "rank_short": _("rank %(rank)s"),
        },
    }
