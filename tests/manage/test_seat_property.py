"""Licensed members never exceed the licenses bought, whatever happens in whatever order.

Hypothesis generates sequences of what owners and invitees do (send, time passing until an
invitation expires, resend, resend as Basic, revoke, accept, decline, licenses bought more or
fewer) and the real service functions run them; after every step the account's Licensed
members are at most its licenses. The issue's reproduction (4 Licensed invitations expire,
4 more are sent and accepted, the 4 expired ones are resent and accepted: 9 Licensed on 5
licenses) is one such sequence, and the first example tried; licenses bought fewer while a
Licensed invitation is pending is the second.
"""

from itertools import count

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from wizard.accept import acceptance, tokens
from wizard.extensions import db
from wizard.invite.batches import send_batch
from wizard.invite.drafts import types_digest
from wizard.manage.actions import ConcurrentChange
from wizard.manage.resend import SeatsExceeded, resend_invitations
from wizard.manage.revoke import revoke_invitations
from wizard.models import (
    Account,
    AccountKind,
    DeliveryStatus,
    Invitation,
    OutboxEmail,
    Role,
    User,
    UserType,
    WizardDraft,
)
from wizard.models.types import utcnow

pick = st.integers(min_value=0, max_value=40)  # which invitation, modulo how many there are
operations = st.one_of(
    st.tuples(st.just("send"), st.integers(0, 4), st.integers(0, 2)),  # Licensed, Basic
    st.tuples(st.just("expire"), pick),
    st.tuples(st.just("expire_all")),
    st.tuples(st.just("resend"), st.lists(pick, min_size=1, max_size=5), st.booleans()),
    st.tuples(st.just("revoke"), pick),
    st.tuples(st.just("accept"), pick),
    st.tuples(st.just("decline"), pick),
    st.tuples(st.just("seats"), st.integers(0, 8)),
)
ISSUE = [
    ("seats", 5),
    ("send", 4, 0),
    ("expire_all",),
    ("send", 4, 0),
    *[("accept", n) for n in range(4, 8)],
    ("resend", [0, 1, 2, 3], False),
    *[("accept", n) for n in range(4)],
]
# Licenses bought fewer while a Licensed invitation is pending: its seat is gone.
FEWER = [("send", 1, 0), ("seats", 0), ("accept", 0)]
_examples = count()


class Business:
    """A business account of its own for one generated sequence, and what it did."""

    def __init__(self, n: int):
        self.n = n
        self.account = Account(kind=AccountKind.BUSINESS, name=f"Prop {n}", license_seats=2)
        db.session.add(self.account)
        db.session.flush()
        self.owner = User(
            email=f"owner{n}@prop.example",
            name="Owner",
            password_hash="unused",
            account_id=self.account.id,
            role=Role.OWNER,
            user_type=UserType.LICENSED,
        )
        db.session.add(self.owner)
        db.session.commit()
        self.people = count()

    def invitations(self) -> list[Invitation]:
        db.session.expire_all()
        return list(
            db.session.scalars(
                select(Invitation)
                .where(Invitation.account_id == self.account.id)
                .order_by(Invitation.id)
            )
        )

    def chosen(self, index: int) -> Invitation | None:
        invitations = self.invitations()
        return invitations[index % len(invitations)] if invitations else None

    def send(self, licensed: int, basic: int) -> None:
        people = [
            {"email": f"p{self.n}-{next(self.people)}@prop.example", "type": kind}
            for kind in ["licensed"] * licensed + ["basic"] * basic
        ]
        if not people:
            return
        types = [(p["email"], p["type"]) for p in people]
        draft = WizardDraft(
            account_id=self.account.id,
            created_by_id=self.owner.id,
            data={
                "people": {"default_type": "basic", "people": people},
                "heads_up": {"skipped_at": utcnow().isoformat()},
                "licenses": {"confirmed": types_digest(types)},
            },
        )
        db.session.add(draft)
        db.session.commit()
        send_batch(
            draft.id, account=self.account, inviter=self.owner, valid_days=30, max_people=50
        )

    def expire(self, invitation: Invitation | None) -> None:
        """Time passes for this invitation: its 30 days are over."""
        if invitation is not None:
            invitation.expires_at = utcnow().replace(year=2000)
            db.session.commit()

    def resend(self, ids: list[int], as_basic: bool) -> None:
        try:
            resend_invitations(self.account.id, self.owner.id, ids, as_basic=as_basic)
        except (SeatsExceeded, ConcurrentChange):
            db.session.rollback()

    def accept(self, invitation: Invitation | None) -> None:
        if invitation is not None:
            token = tokens.token_for(invitation.token_nonce)
            acceptance.accept_with_new_account(
                token, name="Someone", password="a long passphrase", locale="en"
            )

    def decline(self, invitation: Invitation | None) -> None:
        if invitation is not None:
            acceptance.decline_invitation(tokens.token_for(invitation.token_nonce), None)

    def buy(self, seats: int) -> None:
        """The owner buys more licenses, or fewer: never fewer than are in use (the platform
        would refuse that; taking licenses back is the Users page's job)."""
        in_use = self.licensed_members()
        db.session.execute(
            update(Account)
            .where(Account.id == self.account.id)
            .values(license_seats=max(seats, in_use))
        )
        db.session.commit()

    def licensed_members(self) -> int:
        return db.session.scalar(
            select(func.count(User.id)).where(
                User.account_id == self.account.id, User.user_type == UserType.LICENSED
            )
        )

    def run(self, op: tuple) -> None:
        name, *args = op
        if name == "send":
            self.send(*args)
        elif name == "expire":
            self.expire(self.chosen(args[0]))
        elif name == "expire_all":
            for invitation in self.invitations():
                self.expire(invitation)
        elif name == "resend":
            invitations = self.invitations()
            if invitations:
                ids = sorted({invitations[i % len(invitations)].id for i in args[0]})
                self.resend(ids, args[1])
        elif name == "revoke":
            invitation = self.chosen(args[0])
            if invitation is not None:
                revoke_invitations(self.account.id, self.owner.id, [invitation.id])
        elif name == "accept":
            self.accept(self.chosen(args[0]))
        elif name == "decline":
            self.decline(self.chosen(args[0]))
        elif name == "seats":
            self.buy(args[0])
        self.deliver()

    def deliver(self) -> None:
        """The delivery worker has sent what was queued (resend waits for a queued email)."""
        db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.account_id == self.account.id)
            .values(status=DeliveryStatus.SENT)
        )
        db.session.commit()


def test_licensed_members_never_exceed_the_licenses_bought(app):
    @settings(
        max_examples=30,  # with the two examples: about 10 s per database here
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(st.lists(operations, min_size=1, max_size=14))
    @example(ISSUE)
    @example(FEWER)
    def sequence(ops):
        with app.app_context():
            business = Business(next(_examples))
            for step, op in enumerate(ops):
                business.run(op)
                db.session.expire_all()
                seats = db.session.get(Account, business.account.id).license_seats
                licensed = business.licensed_members()
                assert licensed <= seats, f"after step {step} {op}: {licensed} on {seats}"
            db.session.remove()

    sequence()
