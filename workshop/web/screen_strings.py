"""Words of the big screen's script (static/js/screen.js) and of the console's scene picker
(static/js/scenes.js); the scenes themselves are models.ScreenScene."""

from flask_babel import gettext as _

from ..models import ScreenScene
from ..services.workshops import AUTO_BALLOT_SCENES, AUTO_SCENES


def scene_labels() -> dict[str, str]:
    """Each scene as the console names it, in ScreenScene's order."""
    labels = {
        ScreenScene.AUTO: _("Automatic (follows the phase)"),
        ScreenScene.JOIN: _("How to join (QR code)"),
        ScreenScene.PROPOSALS: _("Proposals"),
        ScreenScene.RESULTS: _("Results"),
        ScreenScene.COMMENTS: _("Comments"),
        ScreenScene.WORKPLAN: _("Workplan"),
        ScreenScene.ROLLUP: _("Roll-up of the working groups"),
    }
    return {scene.value: str(labels[scene]) for scene in ScreenScene}


def screen_strings() -> dict[str, object]:
    return {
        # "11–18 of 18": which rows of a list the screen shows now (the rest come in turn)
        "page_of": _("%(first)s–%(last)s of %(total)s"),
        "no_comments_yet": _("No comments to show yet."),
    }


def scene_picker() -> dict[str, object]:
    """What the console's scene picker needs: the scenes, their names, the live label."""
    return {
        "scenes": scene_labels(),
        "on_screen": _("On the screen: %(scene)s"),
        "auto_now": _("%(scene)s (automatic)"),
        "auto_scenes": AUTO_SCENES,
        "auto_ballot_scenes": AUTO_BALLOT_SCENES,
    }
