"""What an applicant owes: the one place that sums a procedure's fees (issue 20).

A procedure's fees are of two kinds. The mandatory ones (lệ phí đăng ký…) are due from every
applicant — or, when the procedure publishes a fee for the channel the dossier came through
(`ProcedureMethod.fee_amount`, e.g. a reduced online fee), that amount instead. The optional ones
(`Fee.is_optional`: the 8.000 đ copy of the birth extract, per copy) are due only for what the
applicant asked for (`RequestedFee`), never by default. The citizen's payment, the counter's
cash receipt and the clerk's warnings before returning a result all read the total here.
"""

from dataclasses import dataclass

from portal.prefetched import set_prefetched
from procedures.models import ProcedureMethod

from .models import Channel

MAX_COPIES = 20

# A dossier's channel → the procedure method whose published fee applies to it.
METHOD_OF_CHANNEL = {
    Channel.COUNTER: ProcedureMethod.Channel.COUNTER,
    Channel.ONLINE: ProcedureMethod.Channel.ONLINE,
    Channel.POSTAL: ProcedureMethod.Channel.POSTAL,
}


@dataclass(frozen=True)
class FeeLine:
    name: str
    quantity: int
    amount: int  # đồng, quantity included

    @property
    def unit_amount(self):
        return self.amount // self.quantity if self.quantity else 0


def optional_fees(version):
    """The fees an applicant may ask for, in the procedure's order."""
    return [fee for fee in version.fees.all() if fee.is_optional]


def fee_lines(version, *, channel=Channel.ONLINE, requested=()):
    """The lines due for a dossier of `version` that came through `channel`, with `requested`:
    (fee, quantity) pairs of optional fees. Lines of 0 đồng are left out."""
    method_channel = METHOD_OF_CHANNEL.get(channel)
    method_fee = next((m.fee_amount for m in version.methods.all()
                       if m.channel == method_channel and m.fee_amount), 0)
    lines = []
    if method_fee:
        lines.append(FeeLine(name=version.name, quantity=1, amount=method_fee))
    else:
        lines += [FeeLine(name=fee.name, quantity=1, amount=fee.amount)
                  for fee in version.fees.all() if not fee.is_optional and fee.amount]
    lines += [FeeLine(name=fee.name, quantity=quantity, amount=fee.amount * quantity)
              for fee, quantity in requested if fee.is_optional and fee.amount and quantity > 0]
    return lines


def amount_for(version, *, channel=Channel.ONLINE, requested=()):
    """The total in đồng (see `fee_lines`)."""
    return sum(line.amount for line in fee_lines(version, channel=channel, requested=requested))


def dossier_requested(dossier):
    """(fee, quantity) of the optional fees asked for on `dossier`: read once per dossier object,
    and not at all when its procedure has no optional fee (most have none)."""
    if not optional_fees(dossier.procedure_version):
        return []
    cached = getattr(dossier, "_prefetched_objects_cache", {}).get("requested_fees")
    rows = list(cached) if cached is not None else set_prefetched(
        dossier, "requested_fees", dossier.requested_fees.select_related("fee"))
    return [(item.fee, item.quantity) for item in rows]


def dossier_fee_lines(dossier):
    return fee_lines(dossier.procedure_version, channel=dossier.channel, requested=dossier_requested(dossier))


def amount_due(dossier):
    """What the applicant of `dossier` owes in all, in đồng: 0 for a free procedure."""
    return sum(line.amount for line in dossier_fee_lines(dossier))


def requested_from(version, quantities):
    """(fee, quantity) pairs from {fee pk (int or str): quantity}, keeping only the version's
    optional fees and quantities between 1 and MAX_COPIES."""
    by_pk = {fee.pk: fee for fee in optional_fees(version)}
    pairs = []
    for key, quantity in (quantities or {}).items():
        try:
            fee, quantity = by_pk.get(int(key)), int(quantity or 0)
        except (TypeError, ValueError):
            continue
        if fee is not None and 0 < quantity <= MAX_COPIES:
            pairs.append((fee, quantity))
    return sorted(pairs, key=lambda pair: (pair[0].order, pair[0].pk))
