"""Files labbot produces for people: PDF documents (dossier, statements, sheets) and OpenDocument text."""
