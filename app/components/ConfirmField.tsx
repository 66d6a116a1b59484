// A box to tick before an action that cannot be undone (cancel a pledge, remove a reward, refund,
// approve a payout or a campaign, cancel a campaign): the browser will not send the form until it is
// ticked, with or without JavaScript, and says why. A misclick costs nothing.
export function ConfirmField({ label }: { label: string }) {
  return (
    <label className="confirm-field">
      <input type="checkbox" name="confirm" value="yes" required /> {label}
    </label>
  );
}
