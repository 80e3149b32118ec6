"""Common words of French, English and Arabic that say nothing about an activity's content.

Written as people type them; `similarity.normalise` is applied before use, so accents, case,
hamza forms and diacritics need not be listed twice.
"eu" (had) is left out of the French words: it is also "EU", the European Union.
"""

FRENCH = """
a à afin ai aie aient ainsi alors après as au aucun aucune auprès aussi autre autres aux avec
avoir c ça ce ceci cela celle celles celui ces cet cette chaque chez ci comme comment contre d
dans de des deux donc dont du elle elles en encore entre est et été être eux il ils j je
jusqu l la le les leur leurs lors lui m ma mais me même mes moi mon n ne ni nos notre nous o
on ont ou où par parmi pas pendant peu peut plus pour qu quand que quel quelle quelles quels
qui s sa sans se selon ses si son sont sous sur t ta te tes toi ton tous tout toute toutes
très tu un une vers via vos votre vous y
"""

ENGLISH = """
a about above across after all also am an and any are as at be been being between both but by
can could did do does doing during each either for from had has have having he her here hers
him his how i if in into is it its itself just me more most my no nor not of off on once only
or other our ours out over own per s same she should so some such than that the their theirs
them then there these they this those through to too under until up upon us very via was we
were what when where which while who whom why will with within would you your yours
"""

ARABIC = """
في من إلى الى على عن مع حول عبر ضد لدى عند نحو بين خلال داخل خارج قبل بعد حتى منذ دون
و أو او ثم أن ان إن لا ما لم لن قد كل بعض غير أي اي هذا هذه ذلك تلك هؤلاء الذي التي الذين
اللذين اللتين اللاتي هو هي هم هن نحن أنا انا كما كان كانت يكون تكون ليس لقد إذا اذا
به بها له لها فيه فيها منه منها عليه عليها ذات ذو ذوي لكل وفي ومن وعلى وإلى والى
"""


def words(block: str) -> list[str]:
    return block.split()


#: Verbs and nouns of action that open most programme activities ("strengthen", "set up",
#: "support") and the word "programme" itself: in a workplan they say how, not what, and two
#: activities that share only them are not duplicates.
ACTIONS = """
améliorer amélioration accompagner accompagnement appui appuyer assurer contribuer créer
création développer développement encourager faciliter favoriser mettre mise place promouvoir
promotion renforcer renforcement soutenir soutien programme
strengthen strengthening support supporting promote promoting develop developing create
creating set establish establishing improve improving enhance foster facilitate ensure
encourage programme program
تعزيز دعم إحداث إنشاء تطوير تقوية النهوض تحسين تشجيع مواكبة برنامج
"""
