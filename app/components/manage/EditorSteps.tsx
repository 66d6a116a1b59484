// The editor's steps, in the order an owner goes through them, each a link to its part of the page
// and, where the readiness checklist has a point for it, whether it is done: a plan of the page that
// works without JavaScript (anchors), above the forms.
import type { Readiness, ReadinessPoint } from "~/campaigns/readiness.server";
import { useTranslate } from "~/components/use-locale";
import type { MessageKey } from "~/i18n/keys";

const steps: { anchor: string; label: MessageKey; point?: ReadinessPoint }[] = [
  { anchor: "step-details", label: "editor.details", point: "story" },
  { anchor: "step-cover", label: "editor.steps.cover", point: "cover" },
  { anchor: "translation-title", label: "editor.steps.translation" },
  { anchor: "step-rewards", label: "editor.tiers", point: "reward" },
  { anchor: "step-stretch", label: "editor.stretch" },
  { anchor: "risks-editor-title", label: "editor.risks", point: "risks" },
  { anchor: "step-faq", label: "editor.faq" },
  { anchor: "step-budget", label: "editor.budget" },
];

export function EditorSteps({ readiness, draft }: { readiness: Readiness; draft: boolean }) {
  const t = useTranslate();
  const done = (point?: ReadinessPoint) => readiness.points.find((p) => p.point === point)?.ok;
  return (
    <nav className="editor-steps" aria-label={t("editor.steps.label")}>
      <ol>
        {steps.map((step) => {
          const ok = step.point ? done(step.point) : undefined;
          return (
            <li key={step.anchor}>
              <a href={`#${step.anchor}`}>{t(step.label)}</a>
              {ok === undefined ? null : (
                <span className={ok ? "editor-steps__done" : "editor-steps__todo"}>
                  {" "}
                  {t(ok ? "readiness.done" : "editor.steps.todo")}
                </span>
              )}
            </li>
          );
        })}
        {draft ? (
          <li>
            <a href="#readiness-title">{t("editor.steps.submit")}</a>
          </li>
        ) : null}
      </ol>
    </nav>
  );
}
