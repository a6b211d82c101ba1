"""The Streamlit page of the ward dashboard (run by ``python -m dashboard``; Streamlit executes this file).

Streamlit because it is a well-kept Python library that turns a pandas-shaped
read of the pipeline's stores into a page refreshing on its own (a fragment
with ``run_every``), with no JavaScript to maintain; Kibana would need an
Elasticsearch copy of data that already lives in Hive and RDS.
"""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo

import streamlit as st

import settings as settings_module
from contract.vitals import VITALS, Vital
from dashboard.sparkline import sparkline
from dashboard.ward_board import Bed, beds, wards
from hbase_setup import verify
from hbase_setup.rules import ThresholdRule, parse_rows
from notifier.store import NotifierStore
from settings import RdsAccount, Settings

COLOURS = {"critical": "#b71c1c", "urgent": "#e65100", "advisory": "#f9a825", None: "#2e7d32"}
NEWS2_COLOURS = {"high": "#b71c1c", "medium": "#e65100", "low-medium": "#f9a825"}


def _vital(bed: Bed, vital: Vital) -> str:
    """A vital's latest value (red when an open episode is about it) and its last hour."""
    value = bed.vitals.get(vital.field)
    if value is None:
        return ""
    abnormal = vital.field in bed.abnormal
    shown = (
        f"<b class='abnormal' style='color:{COLOURS['critical']}'>{value:g}</b>" if abnormal else f"<b>{value:g}</b>"
    )
    colour = COLOURS["critical"] if abnormal else "#607d8b"
    trend = sparkline(bed.trend.get(vital.field, []), colour, bed.normal.get(vital.field))
    return f"<div>{html.escape(vital.label)} {shown} {html.escape(vital.unit)} {trend}</div>"


def _seen(bed: Bed, current: Settings, now: dt.datetime) -> str:
    """When the bed last sent a reading, in the ward's time; a monitor silent past PA_MONITORING_LOST_S is said
    loudly: a silent bed must never look like a calm one."""
    loud = f"<b class='stale' style='color:{COLOURS['critical']}'>"
    if bed.reading_time is None:
        return f"{loud}NO READING in {current.dashboard.lookback_h:g} h</b>"
    silent_s = (now - bed.reading_time).total_seconds()
    local = bed.reading_time.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(current.notifier.alarm_timezone))
    minutes = f"{silent_s / 60:.0f} min ago" if silent_s >= 60 else f"{max(silent_s, 0):.0f} s ago"
    if silent_s > current.notifier.monitoring_lost_s:
        return f"{loud}NO READING FOR {silent_s / 60:.0f} MIN: check the monitor</b> (last {local:%H:%M:%S %Z})"
    return f"last reading {local:%H:%M:%S %Z} ({minutes})"


def _card(bed: Bed, current: Settings, now: dt.datetime) -> str:
    """One bed as an HTML card (escaped: names and messages come from the data)."""
    colour = COLOURS.get(bed.severity, COLOURS["critical"])
    zone = zoneinfo.ZoneInfo(current.notifier.alarm_timezone)
    vitals = "".join(_vital(bed, vital) for vital in VITALS)
    news2 = (
        f"<span style='color:{NEWS2_COLOURS.get(bed.news2_risk or '', '#2e7d32')}'>"
        f"NEWS2 <b>{bed.news2_score}</b> ({html.escape(bed.news2_risk or '')})</span>"
        if bed.news2_score is not None
        else f"NEWS2 {html.escape(bed.news2_risk or 'not scored')}"
    )
    episodes = "".join(
        f"<li class='episode'><b style='color:{COLOURS[episode.severity]}'>{episode.severity.upper()}</b> "
        f"{html.escape(episode.subject)} since {episode.since.replace(tzinfo=dt.UTC).astimezone(zone):%H:%M:%S %Z}"
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
        f"{html.escape(bed.device_id or 'no device')} · {_seen(bed, current, now)}</div>"
        f"{vitals or '<div>—</div>'}<div>{news2}</div>"
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
def _rules(_current: Settings) -> tuple[tuple[ThresholdRule, ...], list[str]]:
    """The alert rules HBase holds and their findings (hbase_setup/verify.py), read at most once a minute. The
    findings are empty when the rules are sound; the rules are empty when the stream would refuse them (it keeps
    rules of its own then, which the board cannot know, so it draws no band rather than a wrong one)."""
    rows = verify.current_rows(_current)
    status = verify.status_of(_current, rows, RdsAccount.QUALITY)
    return (() if status.refused else tuple(parse_rows(rows))), ([] if status.sound else status.describe())


def alert_rules(current: Settings) -> tuple[ThresholdRule, ...]:
    """The rules whose no-alert ranges the trend lines show. A ward must also know when they are not the audited
    ones, or changed in a way the stream refuses: that is said above the beds."""
    try:
        rules, findings = _rules(current)
    except Exception as error:  # HBase or RDS down: the board still shows, and says the rules are unchecked
        st.warning(f"Alert rules not checked (HBase or RDS unreachable): {type(error).__name__}: {error}")
        return ()
    if findings:
        st.error("Alert rules need attention (python -m hbase_setup show):\n\n" + "\n\n".join(findings))
    return rules


def _beds(_current: Settings, ward: str, _rules: tuple[ThresholdRule, ...]) -> list[Bed]:
    """The ward's beds (cached per ward by ``main``; the settings and rules are the process's, not the key)."""
    return beds(_current, ward, _rules)


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
            f"Could not list the wards through HiveServer2 {current.hive.server2_host}:{current.hive.server2_port}: "
            f"{type(error).__name__}: {error}. Start the stack ('make stack-up') and reload."
        )
        return
    if not choices:
        st.info(f"No patients in Hive's {current.names.hive_database}.patients yet: run the patients import first.")
        return
    rules = alert_rules(current)
    wanted = st.query_params.get("ward")  # ?ward=ICU: a link to one ward's board
    ward = st.selectbox("Ward", choices, index=choices.index(wanted) if wanted in choices else 0)
    st.query_params["ward"] = ward

    # one read of a ward per refresh, shared by every open tab (Streamlit's cache is the server's)
    shared_beds = st.cache_data(ttl=dt.timedelta(seconds=current.dashboard.refresh_s), show_spinner=False)(_beds)

    @st.fragment(run_every=dt.timedelta(seconds=current.dashboard.refresh_s))
    def ward_beds() -> None:
        try:
            shown = shared_beds(current, ward, rules)
        except Exception as error:  # a store down for a while: say which, keep refreshing
            st.error(
                f"Could not read the ward from HiveServer2 {current.hive.server2_host}:{current.hive.server2_port} "
                f"or RDS {current.rds.host}:{current.rds.port}: {type(error).__name__}: {error}. "
                f"Retrying every {current.dashboard.refresh_s:g} s."
            )
            return
        open_count = sum(len(bed.episodes) for bed in shown)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        local = dt.datetime.now(zoneinfo.ZoneInfo(current.notifier.alarm_timezone))
        st.caption(
            f"{ward}: {len(shown)} beds, {open_count} open alert episode(s) · "
            f"refreshed {local:%H:%M:%S %Z}, every {current.dashboard.refresh_s:g} s · "
            "lines: each vital's last hour over its no-alert range (green)"
        )
        columns = st.columns(3)
        for index, bed in enumerate(shown):
            columns[index % 3].markdown(_card(bed, current, now), unsafe_allow_html=True)

    ward_beds()


main()
