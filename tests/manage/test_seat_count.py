"""The seat count at its edges: an account whose members hold no license at all."""

from sqlalchemy import select, update

from wizard.extensions import db
from wizard.manage.seats import SeatCount, seat_count
from wizard.models import Account, User, UserType


def test_an_account_with_no_licensed_member_uses_no_seat(app):
    with app.app_context():
        globex = db.session.execute(select(Account).where(Account.name == "Globex")).scalar_one()
        db.session.execute(update(User).where(User.account_id == globex.id)
                           .values(user_type=UserType.BASIC))
        db.session.commit()
        assert seat_count(globex) == SeatCount(purchased=5, in_use=0, pending=0)
        assert seat_count(globex).free == 5
