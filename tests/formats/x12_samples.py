"""X12 sample interchanges for the tests, written from the standard (not copied from the corpus).

``interchange`` wraps transaction set bodies in ISA/GS/ST..SE/GE/IEA with correct
counts, so a test states only the segments it is about; ``raw`` joins hand-written
segments for tests that need the envelope exactly as written (wrong counts included).
"""

from __future__ import annotations

ISA_401 = "ISA*00*          *00*          *ZZ*OEMPLANTS      *ZZ*SUP00001       *260301*0815*U*00401*000000101*0*P*>~"
ISA_501 = "ISA*00*          *00*          *ZZ*OEMPLANTS      *ZZ*SUP00001       *260301*0815*^*00501*000000101*0*P*:~"


def isa(version: str = "00401", control: str = "000000101", sender: str = "OEMPLANTS", receiver: str = "SUP00001") -> str:
    """A fixed-width ISA with the usual separators (component '>' in 4010, ':' in 5010)."""
    rep, comp = ("U", ">") if version < "00402" else ("^", ":")
    return f"ISA*00*{' ' * 10}*00*{' ' * 10}*ZZ*{sender:<15}*ZZ*{receiver:<15}*260301*0815*{rep}*{version}*{control}*0*P*{comp}~"


def transaction(set_type: str, ref: str, body: list[str]) -> list[str]:
    """ST, the body segments (without terminators) and an SE with the right count."""
    return [f"ST*{set_type}*{ref}", *body, f"SE*{len(body) + 2}*{ref}"]


def interchange(
    sets: list[tuple[str, list[str]]],
    functional_id: str = "PS",
    version: str = "004010",
    control: str = "000000101",
) -> str:
    """One interchange, one group, the given (set type, body) pairs numbered 0001, 0002, ..."""
    isa_version = "00501" if version.startswith("005") else "00401"
    segs = [f"GS*{functional_id}*OEMPLANTS*SUP00001*20260301*0815*7*X*{version}"]
    for index, (set_type, body) in enumerate(sets, 1):
        segs += transaction(set_type, f"{index:04d}", body)
    segs += [f"GE*{len(sets)}*7", f"IEA*1*{control}"]
    return isa(isa_version, control) + "\n" + "~\n".join(segs) + "~\n"


def raw(*segments: str) -> bytes:
    """Join hand-written segments with '~' and a line break."""
    return ("~\n".join(segments) + "~\n").encode("ascii")


BODY_830 = [
    "BFR*00**SCH-2026-0042*DL*A*20260302*20260531*20260301",
    "N1*ST*Werk Eins*92*PLANT01",
    "REF*DK*TOR-3",
    "N1*SU*Zulieferer GmbH*92*SUP00001",
    "N1*BY*OEM Einkauf*92*OEM",
    "LIN**BP*4711-001*VP*SUP-77*PO*PO-900",
    "UIT*PC",
    "PID*F****Bracket, left",
    "REF*DK*TOR-5",
    "ATH*FI*20260315*1200**20260101",
    "SHP*01*240*050*20260226",
    "REF*SI*DN-555",
    "SHP*02*12000*051*20260101",
    "FST*120*C*D*20260302",
    "FST*80.5*C*D*20260303",
    "FST*500*D*W*20260309",
    "FST*1500*D*F*20260401*20260430",
    "FST*700*Z*M*20260501",
    "LIN**BP*4711-002",
    "UIT*KG",
    "FST*12.250*A*D*20260302",
    "CTT*2",
]

BODY_862 = [
    "BSS*00*JIT-0815*20260301*DL*20260302*20260303",
    "N1*ST*Werk Eins*92*PLANT01",
    "N1*SU*Zulieferer GmbH*92*SUP00001",
    "LIN**BP*4711-001*VP*SUP-77",
    "UIT*EA",
    "FST*40*C*D*20260302***0600",
    "FST*40*C*D*20260302***1400",
    "SHP*01*80*050*20260301",
    "REF*SI*DN-600",
    "CTT*1",
]

BODY_856 = [
    "BSN*00*ASN-1001*20260301*1530*0001",
    "HL*1**S",
    "TD1*CTN25*3****G*812.5*KG",
    "TD5*B*2*DHLX*M*DHL Freight",
    "TD3*TL*AB*123456",
    "DTM*011*20260301*1530",
    "DTM*017*20260302*0800",
    "N1*ST*Werk Eins*92*PLANT01",
    "N1*SU*Zulieferer GmbH*92*SUP00001",
    "HL*2*1*O",
    "PRF*PO-900",
    "HL*3*2*P",
    "TD1*PLT90*1",
    "MAN*GM*00340123450000000018",
    "HL*4*3*I",
    "LIN**BP*4711-001*VP*SUP-77*LT*B-17",
    "SN1**120*EA",
    "HL*5*2*P",
    "TD1*PLT90*1",
    "MAN*GM*00340123450000000025",
    "HL*6*5*I",
    "LIN**BP*4711-002",
    "SN1**12.5*KG",
    "REF*LT*B-18",
    "HL*7*1*O",
    "PRF*PO-901",
    "HL*8*7*I",
    "LIN**VP*SUP-99",
    "SN1**7*PC",
    "CTT*8",
]

BODY_850 = [
    "BEG*00*SA*PO-4500012345**20260301",
    "CUR*BY*EUR",
    "N1*BY*OEM Einkauf*92*OEM",
    "N1*SU*Zulieferer GmbH*92*SUP00001",
    "N1*ST*Werk Eins*92*PLANT01",
    "PO1*10*100*EA*1.25*PE*BP*4711-001*VP*SUP-77",
    "PID*F****Bracket, left",
    "DTM*002*20260315",
    "PO1*20*2.5*KG*10**BP*4711-002",
    "SCH*2.5*KG***002*20260320",
    "CTT*2",
]

BODY_855 = [
    "BAK*00*AC*PO-4500012345*20260301****OC-77*20260302",
    "N1*SU*Zulieferer GmbH*92*SUP00001",
    "PO1*10*100*EA*1.25**BP*4711-001*VP*SUP-77",
    "ACK*IA*100*EA*068*20260315",
    "PO1*20*2.5*KG***BP*4711-002",
    "ACK*IQ*2*KG*068*20260322",
    "PO1*30*5*EA***BP*4711-003",
    "ACK*IR*0*EA",
    "CTT*3",
]

BODY_997 = [
    "AK1*SH*1234",
    "AK2*856*0001",
    "AK5*A",
    "AK2*856*0002",
    "AK3*LIN*14*HL*8",
    "AK4*3**7*XX",
    "AK5*R*5",
    "AK2*856*0003",
    "AK5*R*4",
    "AK9*P*3*3*1",
]

BODY_999 = [
    "AK1*PS*88*005010",
    "AK2*830*0001*005010",
    "IK3*FST*9**8",
    "IK4*1:1*380*6*12,5x",
    "IK5*R*5",
    "AK9*R*1*1*0",
]
