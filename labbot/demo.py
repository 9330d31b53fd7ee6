"""A few demo records, created by running ordinary commands, so a newcomer can try everything at once."""

from __future__ import annotations

# (console user, command). Run in order through the engine, like real users would type them.
DEMO_SCRIPT: list[tuple[str, str]] = [
    # People exist once they have spoken: no account is made up from a name.
    ("claire", "aide"),
    ("hugo", "aide"),
    ("sgmap", "role claire coordinateur region:bretagne"),
    ("sgmap", "role hugo coordinateur region:occitanie"),
    ("alice", 'profil service:"DREAL Bretagne"'),
    ("bruno", 'profil service:"DDTM Finistère"'),
    ("chloe", 'profil service:"Rectorat de Rennes"'),
    (
        "alice",
        'idee "Lab Bretagne" region:bretagne services:"DREAL, DDTM, Rectorat" '
        'resume:"Un lieu ouvert pour co-construire les politiques publiques avec les usagers" '
        'methodes:"design de services, co-construction, open data" partenaires:"Rennes Métropole, '
        'Université Rennes 2"',
    ),
    ("bruno", "rejoindre 1 competence:developpeur"),
    ("chloe", "rejoindre 1 competence:statisticien"),
    # Categories value hours: set by the region's coordinator, never by oneself.
    ("claire", "profil alice categorie:A"),
    ("claire", "profil bruno categorie:B"),
    ("claire", "profil chloe categorie:A+"),
    (
        "alice",
        'modifier 1 objectif:"Simplifier les démarches agricoles" indicateurs:"délais, satisfaction" '
        'lieu:"Tiers-lieu de Rennes" gouvernance:"Comité mensuel des services" projets:"Guichet unique"',
    ),
    ("hugo", 'idee "LabOc" region:occitanie services:"DRAAF, DIRECCTE" methodes:"economie comportementale"'),
    ("claire", "statut 1 en-preparation"),
    # The dossier: an indicator, partners met, a funding plan; then filed, checked, and the PIA decides.
    ("alice", 'indicateur 1 "Délai de traitement" unite:jours reference:45 cible:30 echeance:31/12/2017'),
    (
        "alice",
        'reunion 1 partenaire:"Pôle emploi Bretagne" categorie:operateur date:03/06/2016 duree:1h30 '
        'notes:"Accord pour un atelier commun"',
    ),
    ("bruno", 'reunion 1 partenaire:"Rennes Métropole" categorie:collectivite date:10/06/2016 duree:2h'),
    ("alice", 'prevision 1 temps categorie:A heures:2000 libelle:"Équipe du lab"'),
    ("alice", 'prevision 1 prestataire 45000 libelle:"Agence de design"'),
    ("alice", 'prevision 1 materiel 5000 libelle:"Mobilier du lab"'),
    (
        "alice",
        'cofinancement 1 partenaire:"Rennes Métropole" categorie:collectivite montant:20000 statut:confirme',
    ),
    ("claire", "deposer 1 date:15/09/2016"),
    ("sgmap", "decision 1 retenu montant:60000 debut:02/01/2017 date:15/11/2016"),
    ("claire", "statut 1 en-cours date:02/01/2017"),
    # The camp and the discovery session are past (signups close at the start); the regrouping day is ahead.
    ("alice", "inscription regroupement projet:1"),
    ("bruno", "inscription regroupement projet:1"),
    ("alice", 'heures 1 3h30 date:02/06/2016 activite:"Atelier usagers"'),
    ("alice", "heures 1 2h date:03/01/2017 activite:Cadrage"),
    ("bruno", 'heures 1 7h date:04/01/2017 activite:"Prototype"'),
    ("chloe", 'heures 1 1:30 date:05/01/2017 activite:"Tableau de bord"'),
    ("claire", 'depense 1 "45 000" type:prestataire libelle:"Agence de design" date:15/01/2017'),
    ("claire", 'depense 1 "3 200,50" type:materiel libelle:"Mobilier du lab" date:20/01/2017'),
]
