const app = document.getElementById('app');
if (app) {
  app.textContent = 'Kimi Milvus Chat';
}
