"""Import the bundle drugtrade/bi/assets.py wrote into Superset, replacing what an earlier import
made, and remove what earlier imports made that the spec no longer has (run by Superset's Python:
`SUPERSET_CONFIG_PATH=... python superset_import.py BUNDLE.zip USERNAME STATE.json`).

`superset import-dashboards` leaves existing datasets, charts and the database as they were
(it imports them with overwrite off), so a changed spec or a moved serving file would not reach
Superset; Superset's assets importer overwrites them all, by UUID, and repoints each chart's
saved query context at its dataset. STATE.json keeps the UUIDs of the last import: a chart,
dashboard or dataset the project made before and has dropped since is deleted; anything a user
made in Superset is never touched.
"""

import json
import sys
from pathlib import Path
from zipfile import ZipFile

import yaml
from superset.app import create_app


def bundle_uuids(contents: dict[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"charts": [], "dashboards": [], "datasets": []}
    for name, text in contents.items():
        kind = name.split("/", 1)[0]
        if kind in found:
            found[kind].append(str(yaml.safe_load(text)["uuid"]))
    return found


def main(bundle_path: str, username: str, state_path: str) -> int:
    app = create_app()
    with app.app_context():
        from flask import g
        from superset import db, security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.commands.importers.v1.utils import get_contents_from_bundle
        from superset.connectors.sqla.models import SqlaTable
        from superset.models.dashboard import Dashboard
        from superset.models.slice import Slice

        g.user = security_manager.find_user(username=username)
        if g.user is None:
            print(f"superset_import: no Superset user {username!r}", file=sys.stderr)
            return 1
        with ZipFile(bundle_path) as bundle:
            contents = get_contents_from_bundle(bundle)
        ImportAssetsCommand(contents).run()
        current = bundle_uuids(contents)
        state = Path(state_path)
        previous = json.loads(state.read_text()) if state.exists() else {}
        removed = 0
        for kind, model in (("dashboards", Dashboard), ("charts", Slice), ("datasets", SqlaTable)):
            for uuid in set(previous.get(kind, [])) - set(current[kind]):
                stale = db.session.query(model).filter(model.uuid == uuid).one_or_none()
                if stale is not None:
                    db.session.delete(stale)
                    removed += 1
        db.session.commit()
        temporary = state.with_suffix(".tmp")
        temporary.write_text(json.dumps(current, indent=1))
        temporary.replace(state)
    print(
        f"superset_import: {sum(map(len, current.values()))} objects imported, {removed} dropped from the spec removed"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print("usage: superset_import.py BUNDLE.zip USERNAME STATE.json", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(main(*sys.argv[1:]))
