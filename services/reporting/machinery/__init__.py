"""What every report shares: tables (each also a CSV), SVG charts drawn from a table, the
Jinja templates, and rendering to HTML and to tagged PDF (PDF/UA-1). A report adds a
template and a data function (``Report``), nothing more."""
