"""Files that leave the chat: spreadsheets (xlsx, ods), CSV for machines, PDF statements, and charts."""
