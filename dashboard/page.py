"""The Streamlit page of the ward dashboard (run by ``python -m dashboard``; Streamlit executes this file).

Streamlit because it is a well-kept Python library that turns a pandas-shaped
read of the pipeline's stores into a page refreshing on its own (a fragment
with ``run_every``), with no JavaScript to maintain; Kibana would need an
Elasticsearch copy of data that already lives in Hive and RDS.
"""

from __future__ import annotations

import datetime as dt
import html

import streamlit as st

import settings as settings_module
from dashboard.ward_board import Bed, beds, wards
from hbase_setup import verify
from notifier.store import NotifierStore
from settings import RdsAccount, Settings

COLOURS = {"critical": "#b71c1c", "urgent": "#e65100", "advisory": "#f9a825", None: "#2e7d32"}
NEWS2_COLOURS = {"high": "#b71c1c", "medium": "#e65100", "low-medium": "#f9a825"}
LABELS = {
    "heart_rate": ("HR", "/min"),
    "bp_systolic": ("BP sys", "mmHg"),
    "bp_diastolic": ("BP dia", "mmHg"),
    "spo2": ("SpO2", "%"),
    "body_temperature": ("Temp", "°C"),
    "respiratory_rate": ("RR", "/min"),
}


def _card(bed: Bed) -> str:
    """One bed as an HTML card (escaped: names and messages come from the data)."""
    colour = COLOURS.get(bed.severity, COLOURS["critical"])
    seen = f"latest reading {bed.reading_time:%H:%M:%S} UTC" if bed.reading_time else "no recent reading"
    vitals = " · ".join(
        f"{label} <b>{value:g}</b> {unit}"
        for vital, (label, unit) in LABELS.items()
        if (value := bed.vitals.get(vital)) is not None
    )
    news2 = (
        f"<span style='color:{NEWS2_COLOURS.get(bed.news2_risk or '', '#2e7d32')}'>"
        f"NEWS2 <b>{bed.news2_score}</b> ({html.escape(bed.news2_risk or '')})</span>"
        if bed.news2_score is not None
        else f"NEWS2 {html.escape(bed.news2_risk or 'not scored')}"
    )
    episodes = "".join(
        f"<li class='episode'><b style='color:{COLOURS[episode.severity]}'>{episode.severity.upper()}</b> "
        f"{html.escape(episode.subject)} since {episode.since:%H:%M:%S} UTC"
        + (" · <b>MONITORING LOST</b>" if episode.monitoring_lost else "")
        + f" · told: {html.escape(episode.tier_name)} · "
        + (
            f"<span class='acknowledged'>acknowledged by {html.escape(episode.acknowledged_by)}</span>"
            if episode.acknowledged_by
            else f"<span class='unacknowledged'>not acknowledged (code {html.escape(episode.ack_code)})</span>"
        )
        + "</li>"
        for episode in bed.episodes
    )
    return (
        f"<div class='bed' id='bed-{bed.patient_id}' style='border-left:8px solid {colour};padding:6px 10px;"
        f"margin:6px 0;background:#fafafa'>"
        f"<div><b>{html.escape(bed.patient_name)}</b> ({bed.patient_id}), age {bed.age or 'unknown'}, "
        f"{html.escape(bed.device_id or 'no device')} · {seen}</div>"
        f"<div>{vitals or '—'}</div><div>{news2}</div>"
        f"<ul style='margin:2px 0'>{episodes or '<li>no open alert</li>'}</ul></div>"
    )


def acknowledgement(current: Settings, code: str) -> None:
    """The page an email's acknowledgement link opens (?ack=CODE): who acknowledges, then one click records it.
    A click, not the link alone: a mail client that previews links must not acknowledge an alarm for anyone."""
    st.title("Acknowledge an alarm")
    store = NotifierStore(current, RdsAccount.QUALITY)
    patient = store.open_episode_of(code)
    if patient is None:
        st.error(f"No open alarm has the code {code}: it was acknowledged and closed, or the code is mistyped.")
        return
    st.write(f"Patient {patient}'s open alarm episode (code {code}).")
    who = st.text_input("Your name and role", key="acknowledged_by")
    if st.button("Acknowledge", disabled=not who.strip()):
        store.acknowledge(code, who.strip()[:100], "dashboard")
        st.success(f"Acknowledged by {who.strip()}: escalation and reminders stop at the notifier's next poll.")


@st.cache_data(ttl=60, show_spinner=False)
def _rules_findings(_current: Settings) -> list[str]:
    """The alert rules' findings (hbase_setup/verify.py), read at most once a minute; empty when sound."""
    status = verify.verify(_current)
    return [] if status.sound else status.describe()


def rules_warning(current: Settings) -> None:
    """A ward must know when the alert rules are not the audited ones, or changed in a way the stream refuses."""
    try:
        findings = _rules_findings(current)
    except Exception as error:  # HBase or RDS down: the board still shows, and says the rules are unchecked
        st.warning(f"Alert rules not checked (HBase or RDS unreachable): {type(error).__name__}: {error}")
        return
    if findings:
        st.error("Alert rules need attention (python -m hbase_setup show):\n\n" + "\n\n".join(findings))


def main() -> None:
    current = settings_module.get()
    st.set_page_config(page_title="Ward dashboard", layout="wide")
    code = st.query_params.get("ack")
    if code:
        acknowledgement(current, code.strip().upper())
        return
    st.title("Ward dashboard")
    try:
        choices = wards(current)
    except Exception as error:  # HiveServer2 down: say which server, not a stack trace
        st.error(
            f"Could not list the wards through HiveServer2 {current.hive_server2_host}:{current.hive_server2_port}: "
            f"{type(error).__name__}: {error}. Start the stack ('make stack-up') and reload."
        )
        return
    if not choices:
        st.info(f"No patients in Hive's {current.hive_database}.patients yet: run the patients import first.")
        return
    rules_warning(current)
    wanted = st.query_params.get("ward")  # ?ward=ICU: a link to one ward's board
    ward = st.selectbox("Ward", choices, index=choices.index(wanted) if wanted in choices else 0)
    st.query_params["ward"] = ward

    @st.fragment(run_every=dt.timedelta(seconds=current.dashboard_refresh_s))
    def ward_beds() -> None:
        try:
            shown = beds(current, ward)
        except Exception as error:  # a store down for a while: say which, keep refreshing
            st.error(
                f"Could not read the ward from HiveServer2 {current.hive_server2_host}:{current.hive_server2_port} "
                f"or RDS {current.mysql_host}:{current.mysql_port}: {type(error).__name__}: {error}. "
                f"Retrying every {current.dashboard_refresh_s:g} s."
            )
            return
        open_count = sum(len(bed.episodes) for bed in shown)
        st.caption(
            f"{ward}: {len(shown)} beds, {open_count} open alert episode(s) · "
            f"refreshed {dt.datetime.now(dt.UTC):%H:%M:%S} UTC, every {current.dashboard_refresh_s:g} s"
        )
        columns = st.columns(3)
        for index, bed in enumerate(shown):
            columns[index % 3].markdown(_card(bed), unsafe_allow_html=True)

    ward_beds()


main()
