import { App, Upload, type UploadFile } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { errorText } from '../lib/errors.ts';

/** The id the server gave an uploaded file (api.md: attachments are referenced by dataId). */
export function dataIdOf(body: unknown): string | undefined {
  const b = body as { dataId?: string; id?: string } | undefined;
  return b?.dataId ?? b?.id;
}

/** The dataIds of the photos uploaded so far (failed or unfinished ones left out). */
export function uploadedIds(files: readonly UploadFile[]): string[] {
  return files.map((f) => dataIdOf(f.response)).filter((id): id is string => !!id);
}

/**
 * Photos uploaded as they are picked (POST /api/v1/attachments), up to nine; the caller sends
 * their dataIds with the form. Used by the report form and by task completion.
 */
export function PhotoUpload({
  files,
  onChange,
  labels,
}: {
  files: UploadFile[];
  onChange: (files: UploadFile[]) => void;
  labels: { upload: string; failed: string };
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return (
    <Upload
      listType="picture-card"
      accept="image/*"
      fileList={files}
      onChange={({ fileList }) => onChange(fileList)}
      customRequest={async ({ file, onSuccess, onError }) => {
        const body = new FormData();
        body.append('kind', 'photo');
        body.append('file', file as Blob);
        try {
          onSuccess?.(await api.upload('/api/v1/attachments', body));
        } catch (e) {
          message.error(`${labels.failed}：${errorText(t, e)}`);
          onError?.(e as Error);
        }
      }}
    >
      {files.length < 9 && (
        <div>
          <PlusOutlined />
          <div style={{ marginTop: 4 }}>{labels.upload}</div>
        </div>
      )}
    </Upload>
  );
}
