// Moving one of the editor's listed items (a reward, a stretch goal, an FAQ entry) a place up or
// down: its own small form, so that its buttons send nothing of the item's other fields.
import { Form } from "@remix-run/react";
import { CsrfField } from "~/components/CsrfField";
import { useTranslate } from "~/components/use-locale";

export function MoveForm({ field, id, intent }: { field: string; id: string; intent: string }) {
  const t = useTranslate();
  return (
    <Form method="post" className="inline-form">
      <CsrfField />
      <input type="hidden" name={field} value={id} />
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" name="direction" value="up" className="button-link">
        {t("editor.tier.up")}
      </button>
      <button type="submit" name="direction" value="down" className="button-link">
        {t("editor.tier.down")}
      </button>
    </Form>
  );
}
