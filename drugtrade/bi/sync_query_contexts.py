"""Point each chart's saved query context at the dataset the chart uses (run by Superset's Python).

Superset's importer repoints a chart's form data at the imported dataset but leaves the query
context as exported, and that context is what `GET /api/v1/chart/<id>/data` runs. Run after
every import: `SUPERSET_CONFIG_PATH=... python sync_query_contexts.py`.
"""

import json

from superset.app import create_app


def main() -> int:
    app = create_app()
    with app.app_context():
        from superset import db
        from superset.models.slice import Slice

        changed = 0
        for chart in db.session.query(Slice).all():
            if not chart.query_context:
                continue
            context = json.loads(chart.query_context)
            datasource = {"id": chart.datasource_id, "type": chart.datasource_type}
            if context.get("datasource") == datasource:
                continue
            context["datasource"] = datasource
            context.setdefault("form_data", {}).update(
                datasource=f"{chart.datasource_id}__{chart.datasource_type}", slice_id=chart.id)
            chart.query_context = json.dumps(context)
            changed += 1
        db.session.commit()
    print(f"sync_query_contexts: {changed} chart(s) repointed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
