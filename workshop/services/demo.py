"""A ready-to-use demo: a national programming workshop, modelled on a real one in Rabat."""

from pathlib import Path

from sqlalchemy.orm import Session

from ..models import Phase, Workshop
from .activities import add_activity
from .directory import import_organisations
from .workshops import create_workshop

GROUPS = [
    "Gouvernement",
    "Organisations d'employeurs",
    "Organisations de travailleurs",
    "Agences publiques",
    "Agences de mise en œuvre",
    "Société civile",
    "Recherche",
]

#: the THAMM room's organisations (acronym, names in fr/ar/en, aliases, group), as a directory
#: file the console imports (docs/workplan.md, "The organisation directory")
ORGANISATIONS = Path(__file__).with_name("demo_organisations.csv")

TRACKS = [
    "Gouvernance de la migration de main-d'œuvre",
    "Compétences et employabilité",
    "Protection et droits des travailleurs migrants",
]

ACTIVITIES = [
    (
        "Cartographier les besoins en compétences des secteurs qui recrutent à l'international",
        "Étude conjointe avec le HCP et les fédérations professionnelles, actualisée chaque année.",
        0,
    ),
    (
        "Renforcer le dialogue social tripartite sur la mobilité professionnelle",
        "Un comité de suivi réunissant le ministère, la CGEM et les syndicats (CDT, UGTM).",
        0,
    ),
    (
        "Appuyer l'ANAPEC dans l'intermédiation internationale",
        "Procédures, outils numériques et formation des conseillers à l'emploi.",
        0,
    ),
    (
        "Harmoniser les statistiques de la migration de travail",
        "Indicateurs communs entre le HCP, la CNSS et le ministère, publiés en ligne.",
        0,
    ),
    (
        "Développer des parcours de formation certifiants avec l'OFPPT",
        "Référentiels alignés sur les métiers en tension des pays partenaires.",
        1,
    ),
    (
        "Reconnaître les compétences acquises des migrants de retour",
        "Validation des acquis de l'expérience et passerelles vers la formation continue.",
        1,
    ),
    (
        "Former les formateurs aux langues et aux compétences transversales",
        "",
        1,
    ),
    (
        "Associer les universités à l'observation des marchés du travail",
        "Partenariats de recherche sur les effets de la mobilité.",
        1,
    ),
    (
        "Informer les candidats au départ sur leurs droits et le recrutement équitable",
        "Sessions d'orientation avant le départ, dans les agences ANAPEC et en ligne.",
        2,
    ),
    (
        "Renforcer la portabilité des droits de sécurité sociale",
        "Appui technique à la CNSS pour les conventions bilatérales.",
        2,
    ),
    (
        "Lutter contre les pratiques de recrutement abusives",
        "Inspection du travail et mécanismes de plainte accessibles.",
        2,
    ),
    (
        "Coordonner les interventions de l'OIT, de la GIZ, d'ENABEL et de l'OIM",
        "Plan de travail inter-agences consolidé pour éviter les doublons.",
        0,
    ),
]


def create_demo_workshop(session: Session) -> tuple[Workshop, str]:
    """Create the demo workshop, open for proposals; return it with its facilitator token."""
    workshop, token = create_workshop(
        session,
        title="Atelier de programmation nationale — THAMM Plus Maroc",
        description=(
            "Affiner et confirmer les attentes et les engagements des partenaires "
            "gouvernementaux, sociaux et du secteur privé, et éviter toute duplication "
            "avec les autres projets de coopération."
        ),
        groups=GROUPS,
        tracks=TRACKS,
        voting={"mode": "dots", "budget": 5, "per_activity_cap": 3},
        language="fr",
    )
    for title, description, track in ACTIVITIES:
        add_activity(session, workshop, title=title, description=description, track=TRACKS[track])
    import_organisations(session, workshop, ORGANISATIONS.read_bytes())
    workshop.phase = Phase.PROPOSING.value
    session.flush()
    return workshop, token
