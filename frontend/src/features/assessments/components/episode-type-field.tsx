import type { InstrumentDefinition } from '@/lib/instruments';

type EpisodeTypeFieldProps = {
  definition: InstrumentDefinition;
  value: string;
  onChange: (code: string) => void;
  error?: string;
};

/** When in the episode of care this is, from the instrument's own list (a team's choice). */
export function EpisodeTypeField({ definition, value, onChange, error }: EpisodeTypeFieldProps) {
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`} id="episode-type">
      <fieldset
        className="nhsuk-fieldset"
        aria-describedby={error ? 'episode-type-error' : undefined}
      >
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
          Type of assessment
        </legend>
        {error && (
          <span className="nhsuk-error-message" id="episode-type-error">
            <span className="nhsuk-u-visually-hidden">Error:</span> {error}
          </span>
        )}
        <div className="nhsuk-radios">
          {definition.episode_types.map((episode) => (
            <div className="nhsuk-radios__item" key={episode.code}>
              <input
                className="nhsuk-radios__input"
                id={`episode-type-${episode.code}`}
                name="episode-type"
                type="radio"
                value={episode.code}
                checked={value === episode.code}
                aria-describedby={episode.help ? `episode-type-${episode.code}-hint` : undefined}
                onChange={() => {
                  onChange(episode.code);
                }}
              />
              <label
                className="nhsuk-label nhsuk-radios__label"
                htmlFor={`episode-type-${episode.code}`}
              >
                {episode.label}
              </label>
              {episode.help && (
                <div
                  className="nhsuk-hint nhsuk-radios__hint"
                  id={`episode-type-${episode.code}-hint`}
                >
                  {episode.help}
                </div>
              )}
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}
