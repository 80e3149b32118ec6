"""What words in the room's languages cost a phone: the snapshot it receives, and its wordings.

    python bench/wording_snapshot.py [--activities 300] [--described 1.0]

Builds a workshop in a temporary SQLite database with N activities, each with an Arabic and an
English title and (for the `--described` share) a description in French, Arabic and English,
and the THAMM groups and tracks named in three languages. Prints, as JSON bytes and as
deflated bytes (what permessage-deflate sends, roughly): the console's snapshot (every
wording), the snapshot phones and big screens receive (the originals only), the `wordings`
event of one language (sent apart, and only when wordings change), and what a single
snapshot carrying every language would weigh instead. A script that prints numbers.
"""

import argparse
import json
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.db import make_engine  # noqa: E402
from workshop.models import Base  # noqa: E402
from workshop.services.activities import add_activity  # noqa: E402
from workshop.services.state import public_state, workshop_state  # noqa: E402
from workshop.services.wording import originals, wordings_for  # noqa: E402
from workshop.services.workshops import create_workshop  # noqa: E402

GROUPS = [
    "Gouvernement | ar: الحكومة | en: Government",
    "Organisations d'employeurs | ar: منظمات المشغلين | en: Employers' organisations",
    "Organisations de travailleurs | ar: المنظمات النقابية | en: Workers' organisations",
    "Agences publiques | ar: الوكالات العمومية | en: Public agencies",
    "Partenaires techniques et financiers | ar: الشركاء التقنيون والماليون | en: Partners",
]
TRACKS = [
    "Gouvernance de la migration | ar: حكامة الهجرة | en: Migration governance",
    "Compétences et employabilité | ar: المهارات وقابلية التشغيل | en: Skills",
    "Protection des travailleurs migrants | ar: حماية العمال المهاجرين | en: Protection",
]
FR = "Renforcer le dialogue social tripartite sur la mobilité professionnelle ({n})"
AR = "تعزيز الحوار الاجتماعي الثلاثي حول التنقل المهني وحماية حقوق العمال ({n})"
EN = "Strengthen tripartite social dialogue on labour mobility and its follow-up ({n})"
DESCRIPTION = {
    "fr": "Ateliers régionaux avec l'ANAPEC, l'OFPPT et les partenaires sociaux; "
    "un rapport annuel publié avec le HCP et un comité de suivi. ",
    "ar": "ورشات جهوية مع الوكالة الوطنية لإنعاش التشغيل ومكتب التكوين المهني والشركاء "
    "الاجتماعيين؛ تقرير سنوي ولجنة للتتبع. ",
    "en": "Regional workshops with ANAPEC, OFPPT and the social partners; an annual report "
    "published with the HCP and a follow-up committee. ",
}


def sizes(payload: dict) -> tuple[int, int]:
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    return len(raw), len(deflate.compress(raw) + deflate.flush())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=300)
    parser.add_argument("--described", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
        Base.metadata.create_all(engine)
        from sqlalchemy.orm import Session

        with Session(engine) as db:
            workshop, _ = create_workshop(db, title="Atelier THAMM", groups=GROUPS, tracks=TRACKS)
            described = round(args.described * args.activities)
            for n in range(args.activities):
                words = {"title_ar": AR.format(n=n), "title_en": EN.format(n=n)}
                description = ""
                if n < described:
                    description = DESCRIPTION["fr"]
                    words |= {
                        "description_ar": DESCRIPTION["ar"],
                        "description_en": DESCRIPTION["en"],
                    }
                add_activity(
                    db, workshop, title=FR.format(n=n), description=description, wordings=words
                )
            db.commit()
            full = workshop_state(db, workshop, include_hidden=True)
        engine.dispose()
    public = public_state(full)
    rows = [
        ("console snapshot (every wording)", full),
        ("phone/screen snapshot (originals only)", originals(public)),
        ("wordings event, Arabic (apart, when they change)", wordings_for(public, "ar")),
        ("wordings event, English", wordings_for(public, "en")),
        ("one snapshot with every language (not sent)", public),
    ]
    print(f"{args.activities} activities, {described} with descriptions in three languages")
    print(f"{'payload':<52} {'JSON bytes':>11} {'deflated':>9}")
    for label, payload in rows:
        raw, packed = sizes(payload)
        print(f"{label:<52} {raw:>11,} {packed:>9,}")


if __name__ == "__main__":
    main()
