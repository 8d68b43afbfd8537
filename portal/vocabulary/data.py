"""The discipline vocabulary: families and disciplines with English labels and synonyms.

Synonyms serve both the importer (free text → vocabulary) and search (chorale ↔ chœur).
A partner value that matches nothing here is kept as a free tag, never dropped.
"""
from __future__ import annotations

# (slug, French label, English label, synonyms, children)
VOCABULARY: list[tuple[str, str, str, list[str], list[tuple[str, str, str, list[str]]]]] = [
    ("musique", "Musique", "Music", ["musical", "musicale", "musicales", "musicaux", "musicien", "musicienne",
                                     "musiciens", "solfège"], [
        ("chant-chorale", "Chant & chorale", "Singing & choir",
         ["chant", "chorale", "chœur", "choeur", "chant choral", "chanteur", "chanteuse", "vocal", "ensemble vocal",
          "gospel", "lyrique"]),
        ("instruments", "Instruments", "Instruments",
         ["instrument", "piano", "guitare", "violon", "batterie", "percussions", "flûte", "saxophone", "basse",
          "violoncelle", "accordéon", "trompette", "clarinette", "harpe", "ukulélé"]),
        ("musiques-actuelles", "Musiques actuelles", "Popular music",
         ["musiques actuelles", "rock", "pop", "rap", "reggae", "métal", "metal", "chanson", "hip-hop musique"]),
        ("orchestre-harmonie-fanfare", "Orchestre, harmonie, fanfare", "Orchestra, band, brass band",
         ["orchestre", "harmonie", "fanfare", "big band", "brass band", "batucada"]),
        ("jazz", "Jazz", "Jazz", ["jazz", "blues", "swing", "improvisation jazz"]),
        ("musiques-traditionnelles-monde", "Musiques traditionnelles & du monde", "Traditional & world music",
         ["musiques du monde", "musique traditionnelle", "trad", "folk", "musiques traditionnelles"]),
        ("mao-electronique", "MAO & musique électronique", "Computer & electronic music",
         ["mao", "musique assistée par ordinateur", "électro", "electro", "dj", "musique électronique", "beatmaking"]),
    ]),
    ("danse", "Danse", "Dance", ["danseur", "danseuse", "chorégraphie"], [
        ("danse-classique", "Danse classique", "Ballet", ["ballet"]),
        ("danse-contemporaine", "Danse contemporaine", "Contemporary dance", ["danses contemporaines"]),
        ("danse-hip-hop", "Hip-hop", "Hip-hop dance",
         ["hip-hop", "hip hop", "hiphop", "breakdance", "break", "breaking", "krump", "popping", "street dance",
          "danse urbaine", "danses urbaines"]),
        ("danse-jazz", "Modern jazz", "Jazz dance", ["modern jazz", "danse jazz"]),
        ("danses-traditionnelles-monde", "Danses traditionnelles & du monde", "Traditional & world dance",
         ["danses du monde", "africaine", "orientale", "flamenco", "bal folk", "danse traditionnelle", "bollywood"]),
        ("danse-salon", "Danse de salon", "Ballroom dance",
         ["danses de salon", "salsa", "tango", "rock", "swing", "bachata", "kizomba", "valse", "lindy hop"]),
    ]),
    ("theatre", "Théâtre", "Theatre", ["comédien", "comédienne", "art dramatique", "scène"], [
        ("theatre-jeu", "Théâtre", "Drama", ["théâtre", "theatre", "jeu d'acteur", "art dramatique"]),
        ("improvisation", "Improvisation", "Improvisation", ["impro", "improvisation", "match d'impro"]),
        ("marionnettes", "Marionnettes", "Puppetry", ["marionnette", "marionnettes", "théâtre d'objets"]),
        ("conte", "Conte", "Storytelling", ["conte", "conteur", "conteuse", "conte musical"]),
        ("comedie-musicale", "Comédie musicale", "Musical theatre",
         ["comédie musicale", "comédies musicales", "théâtre musical"]),
    ]),
    ("cirque-rue", "Arts du cirque & de la rue", "Circus & street arts",
     ["cirque", "arts de la rue", "jonglage", "acrobatie", "trapèze", "clown", "équilibre"], []),
    ("arts-visuels", "Arts visuels", "Visual arts", ["arts plastiques", "art plastique"], [
        ("dessin", "Dessin", "Drawing", ["dessin", "croquis", "modèle vivant"]),
        ("peinture", "Peinture", "Painting", ["peinture", "aquarelle", "acrylique", "huile"]),
        ("sculpture", "Sculpture", "Sculpture", ["sculpture", "modelage"]),
        ("gravure", "Gravure", "Printmaking", ["gravure", "estampe", "sérigraphie", "linogravure"]),
        ("ceramique", "Céramique", "Ceramics", ["céramique", "poterie", "terre", "faïence"]),
        ("illustration-bd", "Illustration & BD", "Illustration & comics",
         ["bd", "bande dessinée", "bandes dessinées", "manga", "illustration", "comics"]),
        ("street-art", "Street art", "Street art", ["street art", "graffiti", "graff", "fresque"]),
    ]),
    ("photographie", "Photographie", "Photography", ["photo", "photographie", "argentique", "photographe"], []),
    ("cinema-video", "Cinéma & vidéo", "Film & video",
     ["cinéma", "cinema", "vidéo", "video", "film", "court métrage", "audiovisuel", "montage"], []),
    ("ecriture-oralite", "Écriture & oralité", "Writing & spoken word", ["lecture"], [
        ("ecriture", "Écriture", "Writing", ["écriture", "atelier d'écriture", "roman", "nouvelle"]),
        ("slam", "Slam", "Slam", ["slam", "spoken word"]),
        ("poesie", "Poésie", "Poetry", ["poésie", "poème", "poèmes"]),
    ]),
    ("arts-numeriques", "Arts numériques", "Digital arts",
     ["numérique", "arts numériques", "art numérique", "création numérique", "jeu vidéo", "réalité virtuelle"], []),
    ("metiers-art-textile", "Métiers d'art & textile", "Crafts & textile",
     ["couture", "textile", "broderie", "tricot", "vitrail", "reliure", "métiers d'art", "tissage"], []),
    ("pluridisciplinaire", "Pluridisciplinaire", "Multidisciplinary",
     ["pluridisciplinaire", "multidisciplinaire", "arts vivants", "spectacle vivant"], []),
]


def iter_disciplines():
    """(slug, label_fr, label_en, synonyms, parent_slug, position) for families then children."""
    for position, (slug, label_fr, label_en, synonyms, children) in enumerate(VOCABULARY):
        yield slug, label_fr, label_en, synonyms, None, position
        for child_position, (c_slug, c_fr, c_en, c_syn) in enumerate(children):
            yield c_slug, c_fr, c_en, c_syn, slug, child_position


# Search-time synonym groups beyond the vocabulary (both directions).
SEARCH_SYNONYMS: list[list[str]] = [
    ["chorale", "chœur", "choeur", "chant choral"],
    ["impro", "improvisation"],
    ["hip-hop", "hip hop", "hiphop", "breakdance"],
    ["mao", "musique assistée par ordinateur"],
    ["bd", "bande dessinée"],
    ["médiathèque", "bibliothèque"],
    ["ciné", "cinéma"],
    ["ado", "adolescent", "adolescents"],
    ["gratuit", "gratuite", "libre"],
]
