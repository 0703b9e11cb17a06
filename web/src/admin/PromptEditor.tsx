/**
 * Making a prompt in the browser (K5): record it from the microphone, open an audio file, or have
 * a text spoken as a say node would speak it (the TTS preview); then trim
 * it to a start and an end by sight of its waveform, amplify it, listen to the result, and save it as a new prompt
 * (uploaded as the 8 kHz WAV the node keeps).
 */
import { Alert, Button, Card, Input, InputNumber, Select, Space, Tag, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n.js';
import { PromptWaveform } from './PromptWaveform.js';
import { decodeAudio, recordMicrophone, renderPrompt, wavFile, type PromptEdit } from './prompt-audio.js';

export interface PromptEditorProps {
  /** The prompt's name, typed above; saving needs one. */
  name: string;
  /** Uploads the WAV file as the prompt `name`; resolves when stored. */
  upload: (file: Blob) => Promise<void>;
}

export function PromptEditor({ name, upload }: PromptEditorProps) {
  const { t } = useI18n();
  const [source, setSource] = useState<AudioBuffer>();
  const [edit, setEdit] = useState<PromptEdit>({ start: 0, end: 0, gainDb: 0 });
  const [recording, setRecording] = useState<{ stop: () => Promise<ArrayBuffer> }>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [recorded, setRecorded] = useState(0);
  const [text, setText] = useState('');
  const [language, setLanguage] = useState<'zh-CN' | 'en'>('zh-CN');
  const player = useRef<HTMLAudioElement>(null);

  // The seconds recorded so far, shown while recording.
  useEffect(() => {
    if (recording === undefined) return;
    const started = Date.now();
    setRecorded(0);
    const timer = setInterval(() => setRecorded((Date.now() - started) / 1000), 200);
    return () => clearInterval(timer);
  }, [recording]);

  async function take(step: () => Promise<void>) {
    setProblem(undefined);
    setBusy(true);
    try {
      await step();
    } catch (failure) {
      setProblem(String(failure));
    } finally {
      setBusy(false);
    }
  }

  async function load(bytes: ArrayBuffer) {
    const decoded = await decodeAudio(bytes);
    setSource(decoded);
    setEdit({ start: 0, end: Math.round(decoded.duration * 100) / 100, gainDb: 0 });
  }
  const open = (bytes: ArrayBuffer) => take(() => load(bytes));

  const speak = () =>
    take(async () => {
      const response = await fetch('/api/v1/prompts/speech', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, language }) });
      if (!response.ok) throw new Error(`${response.status}: ${((await response.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ?? response.statusText}`);
      const spoken = await response.blob();
      if (player.current !== null) {
        player.current.src = URL.createObjectURL(spoken);
        void player.current.play().catch(() => undefined);
      }
      await load(await spoken.arrayBuffer());
    });

  const rendered = async () => wavFile(await renderPrompt(source!, edit));
  const seconds = (value: number | null) => Math.max(0, value ?? 0);

  return (
    <Card size="small" title={t('prompts.editor')} style={{ marginBottom: 16 }} data-testid="prompt-editor">
      <Space wrap>
        {recording === undefined ? (
          <Button onClick={() => void take(async () => setRecording(await recordMicrophone()))} disabled={busy} data-testid="prompt-record">
            {t('prompts.record')}
          </Button>
        ) : (
          <Button
            danger
            data-testid="prompt-stop"
            onClick={() => {
              const stop = recording.stop;
              setRecording(undefined);
              void stop().then(open);
            }}
          >
            {t('prompts.stop')}
          </Button>
        )}
        {recording !== undefined && (
          <Tag color="red" data-testid="prompt-recording" data-seconds={recorded.toFixed(1)}>
            {t('prompts.recording')} {recorded.toFixed(1)} s
          </Tag>
        )}
        <Upload accept="audio/*" showUploadList={false} beforeUpload={(file) => (void file.arrayBuffer().then(open), false)}>
          <Button disabled={busy || recording !== undefined}>{t('prompts.openFile')}</Button>
        </Upload>
      </Space>
      <Space.Compact style={{ display: 'flex', marginTop: 12 }}>
        <Select value={language} onChange={setLanguage} style={{ width: 110 }} options={[{ value: 'zh-CN', label: '中文' }, { value: 'en', label: 'English' }]} />
        <Input placeholder={t('prompts.speechText')} value={text} maxLength={500} onChange={(e) => setText(e.target.value)} data-testid="prompt-text" />
        <Button disabled={busy || text.trim() === ''} onClick={() => void speak()} data-testid="prompt-speak">
          {t('prompts.speak')}
        </Button>
      </Space.Compact>
      {source !== undefined && (
        <Space wrap style={{ marginTop: 12 }}>
          <span data-testid="prompt-length" data-seconds={source.duration.toFixed(2)}>
            {t('prompts.length')} {source.duration.toFixed(2)} s
          </span>
          <span>{t('prompts.from')}</span>
          <InputNumber min={0} max={edit.end} step={0.1} value={edit.start} onChange={(value) => setEdit({ ...edit, start: seconds(value) })} data-testid="prompt-start" />
          <span>{t('prompts.to')}</span>
          <InputNumber min={edit.start} max={source.duration} step={0.1} value={edit.end} onChange={(value) => setEdit({ ...edit, end: seconds(value) })} data-testid="prompt-end" />
          <span>{t('prompts.gain')}</span>
          <InputNumber min={-20} max={20} step={1} value={edit.gainDb} onChange={(value) => setEdit({ ...edit, gainDb: value ?? 0 })} data-testid="prompt-gain" />
          <Button
            disabled={busy}
            onClick={() =>
              void take(async () => {
                if (player.current === null) return;
                player.current.src = URL.createObjectURL(await rendered());
                await player.current.play();
              })
            }
          >
            {t('prompts.preview')}
          </Button>
          <Button type="primary" disabled={busy || name === '' || edit.end <= edit.start} onClick={() => void take(async () => (await upload(await rendered()), setSource(undefined)))} data-testid="prompt-save">
            {t('prompts.save')}
          </Button>
        </Space>
      )}
      {source !== undefined && <PromptWaveform source={source} start={edit.start} end={edit.end} />}
      <audio ref={player} />
      {problem !== undefined && <Alert type="error" title={problem} style={{ marginTop: 12 }} />}
    </Card>
  );
}
